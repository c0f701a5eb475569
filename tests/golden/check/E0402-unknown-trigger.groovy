pipeline {
    agent any
    triggers {
        banana()
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
