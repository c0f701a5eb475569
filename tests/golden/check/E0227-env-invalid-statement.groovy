pipeline {
    agent any
    environment {
        echo('hi')
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
