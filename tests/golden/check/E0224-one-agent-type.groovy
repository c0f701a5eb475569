pipeline {
    agent {
        label 'linux'
        docker 'maven:3'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
