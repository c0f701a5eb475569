pipeline {
    agent {
        docker {
            image = 'maven:3'
        }
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
